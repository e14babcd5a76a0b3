"""no-content-length: Sends no Content-Length, yet keeps the connection open: the client cannot tell where a
body ends."""
import os
import sys
from email.utils import formatdate

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def header_lines(self, status, headers, body):
        lines = ['Date: ' + formatdate(usegmt=True)]
        if body:
            lines.append('Content-Type: application/json')
        # BUG: no Content-Length ("the browser works it out").
        lines += [f'{k}: {v}' for k, v in headers.items()]
        return lines


if __name__ == '__main__':
    main(Server)
