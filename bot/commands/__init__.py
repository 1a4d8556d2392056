"""One module per ``brewbot`` subcommand."""
