"""crlf-lf-header-end: Ends the response header section with \r\n\n instead of \r\n\r\n."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def format_response(self, request_version, status, headers, body, include_body):
        lines = [self.status_line(request_version, status)] + self.header_lines(status, headers, body)
        # BUG: the empty line that ends the headers is a bare '\n'.
        head = '\r\n'.join(lines) + '\r\n\n'
        return head.encode('latin-1') + (body if include_body else b'')


if __name__ == '__main__':
    main(Server)
