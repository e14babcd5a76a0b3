"""head-100: Answers HEAD with `100 Continue` and nothing else."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_HEAD(self, name):
        # BUG: "HEAD just checks the server is there" -- so it gets a 100 and no final response.
        return 100, {}, b''


if __name__ == '__main__':
    main(Server)
