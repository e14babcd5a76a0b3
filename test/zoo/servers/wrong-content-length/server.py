"""wrong-content-length: Sends a Content-Length one byte smaller than the body."""
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
        if status >= 200 and status != 204:
            # BUG: off by one ("minus the newline" -- but there is no newline).
            lines.append(f'Content-Length: {len(body) - 1}')
        lines += [f'{k}: {v}' for k, v in headers.items()]
        return lines


if __name__ == '__main__':
    main(Server)
