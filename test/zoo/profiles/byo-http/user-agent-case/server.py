"""byo-http/user-agent-case: looks the User-Agent header up case-sensitively, so `user-agent:` gives an empty body."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def user_agent(self, req):
        headers = dict(req.headers)
        # BUG: header names are case-insensitive; `user-agent: x` or `USER-AGENT: x` is missed here.
        return headers.get('User-Agent', '')


if __name__ == '__main__':
    main(Server)
