"""exits-on-error: Ends the process on any exception in a connection handler, e.g. a client that resets its
connection."""
import os
import sys
import traceback

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def on_error(self, c, exc):
        traceback.print_exception(exc)
        # BUG: "if something goes wrong, stop": one bad connection takes the whole server down.
        os._exit(1)


if __name__ == '__main__':
    main(Server)
