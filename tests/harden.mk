## harden fragment.
