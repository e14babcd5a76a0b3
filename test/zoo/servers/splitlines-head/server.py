"""splitlines-head: Splits the request head with str.splitlines(), which ends a line at a bare CR too,
so "X-A: a\\rContent-Length: 5" holds a Content-Length field."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import Request, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        head = self.read_head(c)
        if head is None:
            return None
        # BUG: str.splitlines() splits at a bare CR (and \x0b, \x0c, \x1c-\x1e, \x85), not at CRLF only.
        lines = head.decode('latin-1').splitlines()
        parts = lines[0].split(' ')
        c.request_method = parts[0]
        c.request_version = parts[2] if len(parts) == 3 else None
        method, target, version = self.parse_request_line(lines[0])
        req = Request(method, target, version, self.parse_headers(lines[1:]))
        self.check_host(req)
        req.body = self.read_body(c, req)
        return req


if __name__ == '__main__':
    main(Server)
