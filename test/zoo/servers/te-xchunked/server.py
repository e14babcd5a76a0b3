"""te-xchunked: Takes any Transfer-Encoding whose value ends in "chunked" as chunked, so a look-alike
such as "xchunked" is read as chunked instead of refused."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, header_values, main  # noqa: E402


class Server(StudentServer):
    def read_body(self, c, req):
        te = header_values(req.headers, 'transfer-encoding')
        # BUG: a substring test instead of parsing the list of codings: "xchunked" passes as chunked.
        if te and not header_values(req.headers, 'content-length') and req.version == 'HTTP/1.1' and te[-1].lower().endswith('chunked'):
            self.send_continue(c, req)
            return self.read_chunked(c)
        return super().read_body(c, req)


if __name__ == '__main__':
    main(Server)
