## bench fragment.
