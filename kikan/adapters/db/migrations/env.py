from alembic import context

from kikan.adapters.db.engine import make_engine
from kikan.adapters.db.tables import metadata

config = context.config


def run() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url
    only = config.attributes.get("include_tables")  # set by scripts/regen_revision.py

    def include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
        if only is None:
            return True
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name in only

    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
