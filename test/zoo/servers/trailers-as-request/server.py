"""trailers-as-request: Stops reading a chunked body at the last chunk's size line ("0"), so trailer
fields after it are read as the next request (a plain body's final CRLF is skipped as an empty line)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import CHUNK_SIZE_RE, HttpError, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_chunked(self, c):
        body = bytearray()
        while True:
            m = CHUNK_SIZE_RE.fullmatch(self.read_line(c, 4096).decode('latin-1'))
            if not m:
                raise HttpError(400, 'malformed chunk size line', close=True)
            size = int(m.group(1), 16)
            if len(body) + size > self.MAX_BODY:
                raise HttpError(413, 'body too large', close=True)
            if size == 0:
                # BUG: done at the last chunk: the trailer section (and its blank line) stays unread.
                return bytes(body)
            body += self.read_exact(c, size)
            if self.read_line(c, 2) != b'':
                raise HttpError(400, 'chunk data not followed by CRLF', close=True)


if __name__ == '__main__':
    main(Server)
