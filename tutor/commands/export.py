"""`tutor export --to numpy|pytorch [run options] [-o FILE]`: a run as a standalone script
(tutor/framework/export.py), printed or written to FILE."""
from __future__ import annotations

import sys
from pathlib import Path

from tutor.commands.common import UsageError, config_from_args, usage_error


def run(args) -> int:
    import engine
    from tutor.framework.export import ExportError, export
    from tutor.framework.twin import NotCarried

    if args.to is None:
        raise UsageError("--to: which script? --to numpy or --to pytorch")
    config = config_from_args(args)
    try:
        script = export(config, args.to)
    except (ExportError, NotCarried, engine.ConfigError) as error:
        raise usage_error(error) from None
    if args.file is None:
        sys.stdout.write(script)
        return 0
    try:
        Path(args.file).write_text(script, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"-o: cannot write {args.file}: {error.strerror or error}") from None
    print(f"wrote {args.file}: `python {args.file}` trains the network", file=sys.stderr)
    return 0
