"""head-100: Answers HEAD with `100 Continue` and nothing else."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_HEAD(self, name):
        # BUG: "HEAD just checks the server is there" -- so it gets a 100 and no final response.
        return 100, {}, b''


if __name__ == '__main__':
    main(Server)
