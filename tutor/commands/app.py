"""`tutor` and `tutor lab [run options] [--start]`: the full-screen app.

`tutor lab` turns its text options into an engine.RunConfig first, so that a bad
value is a one-line usage error (exit 2) before the screen is taken over.
"""
from __future__ import annotations

from tutor.commands.common import build_run, config_from_args


def run(args) -> int:
    lab_config = None
    if args.command == "lab":
        lab_config = config_from_args(args)
        build_run(lab_config)  # a dataset that does not fit the layers is a usage error too

    from tutor.app import TutorApp

    app = TutorApp(lab_config=lab_config, start=getattr(args, "start", False),
                   slow_link=args.slow_link)
    app.run()
    return app.return_code or 0
