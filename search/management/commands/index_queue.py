import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from search.engines import IndexFailure, IndexUnavailable
from search.indexing import follow_queue


class Command(BaseCommand):
    help = ("把检索索引队列中的更新写入索引。--follow:持续写入新的更新,直到收到 SIGTERM 或 Ctrl-C"
            "(批量导入时在另一个 CPU 核上与 ingest 同时运行)。")

    def add_arguments(self, parser):
        parser.add_argument("--follow", action="store_true", help="持续等待新的更新,直到被停止")

    def handle(self, *args, follow, **options):
        stop = threading.Event()
        if follow:
            # Stopped between batches: what the queue still holds is applied before leaving.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        else:
            stop.set()
        try:
            applied = follow_queue(stop.is_set)
        except (IndexFailure, IndexUnavailable) as error:
            raise CommandError(f"{error}(未写入的更新仍在队列中)") from error
        self.stdout.write(f"写入索引的更新:{applied}")
