"""People in pinyin order (``Person.sort_key``, filled here for the people already stored) and
other printings of a person's name (``PersonAlias``, issue 11 item 10)."""

import django.db.models.deletion
from django.db import migrations, models




def fill_sort_keys(apps, schema_editor):
    from archive.people import sort_key  # the rule itself: a name's key does not depend on the schema

    Person = apps.get_model("archive", "Person")
    batch = []
    for person in Person.objects.only("pk", "name").iterator(chunk_size=2000):
        person.sort_key = sort_key(person.name)
        batch.append(person)
        if len(batch) == 1000:
            Person.objects.bulk_update(batch, ["sort_key"])
            batch = []
    Person.objects.bulk_update(batch, ["sort_key"])


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0005_page_in_issue'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='person',
            options={'ordering': ['sort_key', 'name'], 'verbose_name': '作者', 'verbose_name_plural': '作者'},
        ),
        migrations.AddField(
            model_name='person',
            name='sort_key',
            field=models.CharField(default='', editable=False, max_length=255, verbose_name='拼音排序'),
        ),
        migrations.CreateModel(
            name='PersonAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='别名')),
                ('former_id', models.BigIntegerField(blank=True, editable=False, help_text='合并前以此姓名单列时的作者编号;其旧地址转到合并后的作者', null=True, unique=True, verbose_name='原作者编号')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='aliases', to='archive.person', verbose_name='作者')),
            ],
            options={
                'verbose_name': '作者别名',
                'verbose_name_plural': '作者别名',
                'ordering': ['name'],
            },
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['sort_key', 'name'], name='person_pinyin_order'),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
