"""Training code for the reader; never imported at run time."""
