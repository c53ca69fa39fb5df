import argparse
import datetime

from django.core.management.base import BaseCommand, CommandError

from archive.ingest import ingest_paths


class Command(BaseCommand):
    help = "导入版面文本文件(文件或文件夹);未改动的文件按内容哈希跳过。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="版面 .txt 文件或包含它们的文件夹")
        parser.add_argument("--year", type=int, help="版面年份(默认从版面文字推断)")
        parser.add_argument("--date", type=_iso_date,
                            help="这些版面的出版日期,如 2023-04-17(文件路径中含日期时以路径为准)")
        parser.add_argument("--force", action="store_true", help="覆盖在后台修改过的稿件")
        parser.add_argument("--dry-run", action="store_true", help="只解析并显示将存入的内容,不写数据库")
        parser.add_argument("--replace", action="store_true",
                            help="同名版面内容完全不同时仍然覆盖(确认是同一版面的更正时用)")
        parser.add_argument("--encoding", help="文件的编码(如 big5);默认自动判断 UTF-8 / GB18030")

    def handle(self, *args, paths, year, date, force, replace, dry_run, encoding, **options):
        if year is not None and not 1800 <= year <= 2200:
            raise CommandError(f"--year {year}: 年份应在 1800 到 2200 之间")

        def show(result):
            self.stdout.write(result.line())
            for line in result.preview:
                self.stdout.write(line)

        report = ingest_paths(paths, year=year, date=date, force=force, replace=replace, dry_run=dry_run,
                              encoding=encoding, on_file=show)
        self.stdout.write(report.summary())
        for notice in report.notices:
            self.stdout.write(notice)
        if not report.files:
            raise CommandError(f"没有找到版面文件:{' '.join(paths)}")
        if report.failed:
            raise CommandError(f"{report.failed} 个文件导入失败")


def _iso_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} 应为 年-月-日,例如 2023-04-17") from None
