"""The engine beside a framework: the same network in PyTorch, and a run as code.

- twin.py: how a RunConfig maps onto PyTorch (every convention that differs, said
  once), and TorchTwin, the engine's network rebuilt in torch.nn from its own weights.
- crosscheck.py: forward, backward and N optimizer steps in both, compared array by array.
- speed.py: both timed on a tiny and a medium net, one thread and the default threads.
- export.py: a run as a standalone script, in NumPy (the engine's names, BP1-BP4) or PyTorch.

PyTorch is an optional extra (`pip install 'nn-tutor[torch]'`): nothing here imports it
at module level; `require_torch()` says how to install it when it is missing.
"""
