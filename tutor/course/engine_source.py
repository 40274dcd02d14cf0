"""Find an engine function by its dotted name and read its real source.

An ```engine block names, e.g., `engine.activations.sigmoid` or
`engine.network.Network.backward`; the lesson shows the code the installed
engine actually runs (inspect.getsource), so the lesson can never drift from it.
"""
from __future__ import annotations

import importlib
import inspect
import textwrap


class EngineLookupError(ValueError):
    """A name that is not an engine function, class or method with readable source."""


def resolve(name: str):
    """The object `name` refers to: the longest importable module prefix, then attributes."""
    parts = name.split(".")
    if parts[0] != "engine" or not all(part.isidentifier() for part in parts):
        raise EngineLookupError(f'"{name}" is not an engine name (it should look like engine.activations.sigmoid)')
    obj = None
    for split in range(len(parts), 0, -1):
        module_name = ".".join(parts[:split])
        try:
            obj = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name is not None and not module_name.startswith(error.name) and error.name != module_name:
                raise  # a module inside the engine failed to import: a real bug, not a typo
            continue
        rest = parts[split:]
        break
    else:
        raise EngineLookupError(f'no module "{parts[0]}"')
    path = module_name
    for attribute in rest:
        if not hasattr(obj, attribute):
            raise EngineLookupError(f'"{name}": {path} has no attribute "{attribute}"')
        obj = getattr(obj, attribute)
        path += "." + attribute
    return obj


def engine_source(name: str) -> str:
    """The source text of the engine object `name`, dedented.

    An activation or loss may be an instance (one object holding a function and
    its derivative); then the source of its class is shown, which is where the
    formulas live.
    """
    obj = resolve(name)
    target = obj
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismethod(obj) or inspect.ismodule(obj)):
        target = type(obj)
    module = inspect.getmodule(target)
    if module is None or not module.__name__.split(".")[0] == "engine":
        raise EngineLookupError(f'"{name}" is not defined in the engine (it comes from '
                                f'{getattr(module, "__name__", "an unknown module")})')
    try:
        return textwrap.dedent(inspect.getsource(target))
    except (OSError, TypeError) as error:
        raise EngineLookupError(f'"{name}": no source to show ({error})') from error
