## the ncurses front end.
