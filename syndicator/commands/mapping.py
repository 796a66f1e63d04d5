"""``syndicator mapping show|set|suggest|remove``: where each catalogue category goes on each marketplace's tree,
and how that leaf's attributes are filled. The same as the app's Mapping page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from catalog.i18n import t
from syndicator.commands.database import open_database

if TYPE_CHECKING:
    from catalog.attribute_rules import AttributeRule

Marketplace = Annotated[str, typer.Option("--marketplace", help="shopee, lazada")]
Category = Annotated[str, typer.Option("--category", help="mã danh mục / catalogue category code (CHE, MAT-ONG…)")]
Coop = Annotated[str | None, typer.Option("--coop", help="mã HTX: riêng HTX này / this co-op's own override")]


def parse_rule(text: str) -> tuple[str, AttributeRule]:
    """``ID=field:shelf_life_days``, ``ID=const:Việt Nam`` or ``ID=lookup:origin_commune:Tân Cương=Thái Nguyên;…``."""
    from catalog.attribute_rules import AttributeRule

    attribute_id, _, rule = text.partition("=")
    source, _, rest = rule.partition(":")
    if source == "field":
        return attribute_id.strip(), AttributeRule(source="field", field=rest.strip())
    if source == "const":
        return attribute_id.strip(), AttributeRule(source="constant", value=rest)
    if source == "lookup":
        field, _, pairs = rest.partition(":")
        table = dict(pair.split("=", 1) for pair in pairs.split(";") if "=" in pair)
        return attribute_id.strip(), AttributeRule(source="lookup", field=field.strip(), table=table)
    raise ValueError(f"«{text}»: ID=field:TRƯỜNG, ID=const:GIÁ TRỊ hoặc ID=lookup:TRƯỜNG:a=b;c=d")


def _fail(message: object) -> None:
    Console(stderr=True).print(f"[red]{message}[/red]")
    raise typer.Exit(1)


def describe(rule: AttributeRule) -> str:
    if rule.source == "constant":
        return f"= {rule.value}"
    if rule.source == "lookup":
        return f"{rule.field} → " + ", ".join(f"{key}={value}" for key, value in rule.table.items())
    return f"← {rule.field}"


def _category_codes(engine) -> list[str]:
    from sqlmodel import Session

    from catalog.categories import ensure_categories

    with Session(engine) as session:
        return sorted(ensure_categories(session))


def register(app: typer.Typer) -> None:
    mapping = typer.Typer(help="Ghép danh mục với ngành hàng của sàn. Category mapping.", no_args_is_help=True)
    app.add_typer(mapping, name="mapping")

    @mapping.command("show")
    def show_command(marketplace: Annotated[str | None, typer.Option("--marketplace")] = None,
                     coop: Coop = None) -> None:
        """Xem các mapping. Show the mappings (defaults, and a co-op's overrides with --coop)."""
        from sqlmodel import Session, select

        from catalog.models import Coop as CoopRow
        from syndicator.category_mapping import mapping_lines

        engine = open_database()
        with Session(engine) as session:
            coop_id = session.exec(select(CoopRow.id).where(CoopRow.code == coop)).first() if coop else None
            if coop and coop_id is None:
                _fail(t("mapping_coop_missing", coop=coop))
            lines = mapping_lines(session, marketplace, coop_id)
        columns = ("marketplace", "category", "coop", "leaf", "attributes")
        table = Table(*(t(f"mapping_cli_col_{column}") for column in columns), title=t("mapping_cli_title"))
        for line in lines:
            rules = "\n".join(f"{key} {describe(rule)}" for key, rule in line.attributes.items())
            table.add_row(line.marketplace, f"{line.category_code} ({line.category_name})", line.coop_code or t("mapping_cli_default"),
                          f"{line.leaf_id} {line.leaf_name}", rules or "—")
        Console().print(table)
        if not lines:
            Console().print(t("mapping_cli_none"))

    @mapping.command("set")
    def set_command(
        marketplace: Marketplace, category: Category,
        leaf: Annotated[str, typer.Option("--leaf", help="mã ngành hàng cuối của sàn / the marketplace's leaf id")],
        coop: Coop = None,
        attribute: Annotated[list[str] | None, typer.Option(
            "--attribute", help="ID=field:shelf_life_days | ID=const:Việt Nam | ID=lookup:FIELD:a=b;c=d")] = None,
        brand_id: Annotated[str | None, typer.Option("--brand-id")] = None,
        brand: Annotated[str, typer.Option("--brand", help="tên thương hiệu / brand name")] = "",
    ) -> None:
        """Ghép một danh mục với một ngành hàng. Map a catalogue category to a marketplace leaf."""
        from pydantic import ValidationError

        from syndicator.category_mapping import MappingChange, MappingError, set_mapping

        try:
            rules = dict(parse_rule(text) for text in attribute or [])
            row = set_mapping(open_database(), MappingChange(marketplace, category, leaf, coop_code=coop,
                                                             brand_id=brand_id, brand_name=brand, attributes=rules))
        except (MappingError, ValueError, ValidationError) as exc:
            _fail(exc)
        Console().print(f"{category} → {marketplace} {row.leaf_id} {row.leaf_name}")

    @mapping.command("suggest")
    def suggest_command(
        marketplace: Marketplace,
        category: Annotated[str | None, typer.Option("--category")] = None,
        name: Annotated[str | None, typer.Option("--name", help="tên sản phẩm / an item name")] = None,
        every: Annotated[bool, typer.Option("--all", help="mọi danh mục có sản phẩm chưa ghép / every unmapped category with products")] = False,
        save: Annotated[bool, typer.Option("--save", help="lưu gợi ý đầu tiên / save the first suggestion")] = False,
        coop: Coop = None,
    ) -> None:
        """Gợi ý ngành hàng của sàn. The marketplace's suggestion, first; --save maps to it."""
        from syndicator.category_mapping import (
            MappingError,
            adopt_suggestion,
            map_unmapped,
            suggest,
            suggest_for_category,
        )

        engine = open_database()
        console = Console()
        try:
            if name:
                for found in suggest(engine, marketplace, name):
                    console.print(f"{found.leaf_id}  {found.path}")
            elif every and save:
                for code, row in map_unmapped(engine, marketplace, coop).items():
                    console.print(f"{code} → {row.leaf_id} {row.leaf_name}" if row else t("mapping_cli_no_suggestion", code=code))
            elif category or every:
                for code in [category] if category else _category_codes(engine):
                    if save:
                        row = adopt_suggestion(engine, marketplace, code, coop)
                        console.print(f"{code} → {row.leaf_id} {row.leaf_name}" if row else t("mapping_cli_no_suggestion", code=code))
                    else:
                        found = suggest_for_category(engine, marketplace, code)
                        console.print(f"{code}: " + ("; ".join(f"{s.leaf_id} {s.path}" for s in found) or "—"))
            else:
                _fail(t("mapping_cli_choose"))
        except MappingError as exc:
            _fail(exc)

    @mapping.command("remove")
    def remove_command(marketplace: Marketplace, category: Category, coop: Coop = None) -> None:
        """Bỏ một mapping. Remove a mapping (a co-op's override with --coop)."""
        from syndicator.category_mapping import MappingError, remove_mapping

        try:
            removed = remove_mapping(open_database(), marketplace, category, coop)
        except MappingError as exc:
            _fail(exc)
        Console().print(t("mapping_cli_removed" if removed else "mapping_cli_not_found"))
