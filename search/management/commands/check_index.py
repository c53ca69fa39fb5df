from django.core.management.base import BaseCommand, CommandError

from search.capacity import engine_advice
from search.engines import IndexFailure, IndexUnavailable
from search.indexing import check_index, repair_index


class Command(BaseCommand):
    help = "比较检索索引与数据库;--fix 补上缺少的、删去多余的。"

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="修复不一致之处")

    def handle(self, *args, fix, **options):
        try:
            check = check_index()
            if not check.agrees and fix:
                repair_index(check)
                check = check_index()
        except (IndexFailure, IndexUnavailable) as error:
            raise CommandError(str(error)) from error
        for label in check.counts:
            missing, extra = len(check.missing.get(label, ())), len(check.extra.get(label, ()))
            self.stdout.write(f"{label}:数据库 {check.counts[label]},索引缺少 {missing},索引多出 {extra}")
        advice = engine_advice()
        if advice:
            self.stdout.write(advice)
        if not check.agrees:
            raise CommandError("索引与数据库不一致(加 --fix 修复)")
        self.stdout.write("索引与数据库一致")
