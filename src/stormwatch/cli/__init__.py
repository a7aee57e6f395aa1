"""The command line: one module per command, the app and its error boundary."""
