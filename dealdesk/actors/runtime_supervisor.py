"""The root of the actor tree: starts the singletons in order and stops them in reverse.

Start order is dependency order (ErrorReporter first, so everything after can report; the
AuditWriter before anything that writes; intake last), and shutdown runs it backwards: intake
stops first, the AuditWriter flushes after everything that writes has stopped, and the
ErrorReporter goes last.
"""

from __future__ import annotations

from dealdesk.runtime.supervision import Supervisor

__all__ = ["RuntimeSupervisor"]


class RuntimeSupervisor(Supervisor):
    kind = "runtime"
