"""exits-on-error: Ends the process on any exception in a connection handler, e.g. a client that resets its
connection."""
import os
import sys
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def on_error(self, c, exc):
        traceback.print_exception(exc)
        # BUG: "if something goes wrong, stop": one bad connection takes the whole server down.
        os._exit(1)


if __name__ == '__main__':
    main(Server)
