"""libsourcemap 0.8's module of exceptions, kept so that ``from
libsourcemap.exceptions import ...`` goes on working. The classes live in
:mod:`libsourcemap.errors`."""

from .errors import *  # noqa: F401,F403
from .errors import __all__  # noqa: F401
