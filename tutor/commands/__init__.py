"""CLI subcommands, one module each.

Every module here defines ``NAME``, ``HELP``, ``ORDER`` (position in ``dltutor --help``),
``add_arguments(parser)`` and ``run(args) -> int``. :mod:`tutor.cli` discovers them, so adding a command
never touches a shared file. Modules import the NumPy core and other heavy things inside ``run`` only,
so ``dltutor --help`` and the app start quickly.
"""
