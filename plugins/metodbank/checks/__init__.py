"""The checker's rules, grouped by what they look at."""
