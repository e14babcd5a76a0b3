"""key-value/update-creates: PUT /update of a key that does not exist creates it (200) instead of answering 400."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from kv_base import KeyValueServer, main, text  # noqa: E402


class Server(KeyValueServer):
    def update(self, key, value):
        with self.lock:
            # BUG: no check that the key exists: an update of an absent key quietly creates it.
            self.store[key] = value
            self.save()
        return text(f'{key}:{value}')


if __name__ == '__main__':
    main(Server)
