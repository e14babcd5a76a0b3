"""record-dialogue/students-file-delete-keeps: the students.json variant, where DELETE answers 200 with the
record but never removes it from the file."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from record_base import StudentsFileServer, json_answer, main, text  # noqa: E402


class Server(StudentsFileServer):
    def do_DELETE(self, conn, req):
        values = self.dialogue(conn, req, 'name')
        if len(values) != 1:
            return text('expected: name', 400)
        with self.lock:
            if self.records is None or values[0] not in self.records:
                return text(f'no record named {values[0]}', 400)
            # BUG: `removed = self.records[name]` where pop() was meant: the answer shows the removed
            # record, and students.json keeps it.
            removed = self.records[values[0]]
            self.save()
        return json_answer(200, removed)


if __name__ == '__main__':
    main(Server)
