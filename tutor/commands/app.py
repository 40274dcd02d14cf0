"""`tutor` and `tutor lab [run options] [--start]`: the full-screen app.

`tutor lab` turns its text options into an engine.RunConfig first, so that a bad
value is a one-line usage error (exit 2) before the screen is taken over.
"""
from __future__ import annotations

from tutor.cli import RUN_DEFAULTS, UsageError


def run_config_from_args(args):
    """The engine.RunConfig the run options describe; UsageError names a bad option.

    Every option is passed as the CLI read it (text); RunConfig.from_mapping parses
    and checks it, and build() checks that the layers fit the dataset.
    """
    import engine

    mapping = {name: getattr(args, name) for name in RUN_DEFAULTS}
    try:
        config = engine.RunConfig.from_mapping(mapping)
        config.build()
    except engine.ConfigError as error:
        raise UsageError(f"--{error.field.replace('_', '-')}: {error.message}") from None
    return config


def run(args) -> int:
    lab_config = run_config_from_args(args) if args.command == "lab" else None

    from tutor.app import TutorApp

    app = TutorApp(lab_config=lab_config, start=getattr(args, "start", False),
                   slow_link=args.slow_link)
    app.run()
    return app.return_code or 0
