"""The stamp of the PostgreSQL engine's index (the embedded engines keep theirs in a file)."""

from django.db import migrations, models


class Migration(migrations.Migration):


    dependencies = [
        ('search', '0001_postgres_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='IndexStamp',
            fields=[
                ('engine', models.CharField(max_length=20, primary_key=True, serialize=False, verbose_name='engine')),
                ('identity', models.CharField(max_length=36, verbose_name='database identity')),
                ('schema', models.CharField(max_length=20, verbose_name='schema version')),
                ('watermark', models.DateTimeField(verbose_name='changes applied up to')),
                ('built_at', models.DateTimeField(verbose_name='built')),
                ('count', models.PositiveIntegerField(default=0, verbose_name='documents')),
                ('generation', models.CharField(blank=True, max_length=40, verbose_name='generation')),
            ],
            options={
                'verbose_name': 'search index stamp',
                'verbose_name_plural': 'search index stamps',
            },
        ),
    ]
