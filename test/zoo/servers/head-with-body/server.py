"""head-with-body: Sends the body in answer to HEAD too."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def response_has_body(self, method, status):
        # BUG: HEAD is handled exactly like GET, body and all.
        return True


if __name__ == '__main__':
    main(Server)
