"""One module per `tutor` subcommand, each with `run(args) -> int` (the exit code).

cli.py imports a command module only when that command runs, so that
`tutor --help` answers without importing NumPy, SymPy or Textual.
"""
