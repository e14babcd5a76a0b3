"""record-dialogue/delete-without-dialogue: DELETE removes the record named by the request target at once (200), without the 300 step."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from record_base import RecordServer, json_answer, main, text  # noqa: E402


class Server(RecordServer):
    def do_DELETE(self, conn, req):
        # BUG: "DELETE /alice already names the record": no 300 prompt, no line read; the dialogue
        # the assignment asks for is skipped (and a client that sends the line gets a 400 for it).
        name = req.path[1:] if req.path.startswith('/') else req.path
        with self.lock:
            if self.records is None or name not in self.records:
                return text(f'no record named {name}', 404)
            removed = self.records.pop(name)
            self.save()
        return json_answer(200, removed)


if __name__ == '__main__':
    main(Server)
