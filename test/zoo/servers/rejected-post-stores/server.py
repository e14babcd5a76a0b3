"""rejected-post-stores: A POST to an existing name answers 409 but overwrites the record anyway."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_POST(self, name, obj):
        text = self.encode_record(obj)

        def create(records):
            existed = name in records
            # BUG: stored first, checked after: the 409 comes too late.
            records[name] = text
            return existed

        if self.update_store(create):
            return 409, {}, self.error_body(f'{name} already exists')
        return 201, {'Location': '/' + name}, text.encode('utf-8')


if __name__ == '__main__':
    main(Server)
