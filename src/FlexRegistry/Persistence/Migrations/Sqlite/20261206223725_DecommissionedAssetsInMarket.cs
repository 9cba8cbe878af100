using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DecommissionedAssetsInMarket : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written (EF has no model for it; never re-scaffold): a decommissioned asset takes no new operator claim,
            // portfolio membership or contract. SQLite runs the triggers under its single write lock
            // (MarketConfiguration.OperableAsset).
            migrationBuilder.Sql("""
                CREATE TRIGGER ck_operator_claims_asset_operable BEFORE INSERT ON operator_claims
                WHEN EXISTS (SELECT 1 FROM assets a WHERE (a."Id" = NEW."AssetId") AND a."Status" = 'Decommissioned')
                BEGIN
                    SELECT RAISE(ABORT, 'ck_asset_not_decommissioned');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ck_portfolio_members_asset_operable BEFORE INSERT ON portfolio_members
                WHEN EXISTS (SELECT 1 FROM assets a WHERE (a."Id" = NEW."AssetId" OR a."Id" = NEW."PortfolioId") AND a."Status" = 'Decommissioned')
                BEGIN
                    SELECT RAISE(ABORT, 'ck_asset_not_decommissioned');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ck_contracts_portfolio_operable BEFORE INSERT ON contracts
                WHEN EXISTS (SELECT 1 FROM assets a WHERE (a."Id" = NEW."PortfolioId") AND a."Status" = 'Decommissioned')
                BEGIN
                    SELECT RAISE(ABORT, 'ck_asset_not_decommissioned');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ck_operator_claims_asset_operable;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ck_portfolio_members_asset_operable;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ck_contracts_portfolio_operable;");
        }
    }
}
