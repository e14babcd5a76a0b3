"""byo-http/gzip-length-of-text: sends the gzip body of /echo/{s} with the Content-Length of the text before compression."""
import gzip
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main, text  # noqa: E402


class Server(ByoServer):
    def echo(self, req, s):
        if not self.accepts_gzip(req):
            return text(s)
        data = s.encode('latin-1')
        # BUG: the length is worked out from the text, then the text is compressed: Content-Length no
        # longer counts the bytes sent, so a client reads the wrong number of them.
        headers = {'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', 'Content-Length': str(len(data))}
        return 200, headers, gzip.compress(data)

    def send_response(self, conn, req, answer, keep):
        status, headers, body = answer
        if 'Content-Length' not in headers:
            return super().send_response(conn, req, answer, keep)
        # An answer that names its own Content-Length is written as it is.
        lines = [f'HTTP/1.1 {status} {self.REASONS[status]}'] + [f'{k}: {v}' for k, v in headers.items()]
        if not keep:
            lines.append('Connection: close')
        data = ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')
        conn.sock.settimeout(self.READ_TIMEOUT)
        conn.sock.sendall(data if req is not None and req.method == 'HEAD' else data + body)


if __name__ == '__main__':
    main(Server)
