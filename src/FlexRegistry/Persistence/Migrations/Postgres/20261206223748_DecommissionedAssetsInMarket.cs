using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DecommissionedAssetsInMarket : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Hand-written (EF has no model for it; never re-scaffold): a decommissioned asset takes no new operator claim,
            // portfolio membership or contract. The asset row is read FOR SHARE, so an insert waits for a decommissioning
            // in flight and then sees it (MarketConfiguration.OperableAsset).
            migrationBuilder.Sql("""
                CREATE FUNCTION ck_asset_not_decommissioned() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    col text;
                    asset_id text;
                    asset_status text;
                BEGIN
                    FOREACH col IN ARRAY TG_ARGV LOOP
                        asset_id := to_jsonb(NEW) ->> col;
                        SELECT "Status" INTO asset_status FROM assets WHERE "Id" = asset_id FOR SHARE;
                        IF asset_status = 'Decommissioned' THEN
                            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_asset_not_decommissioned',
                                MESSAGE = format('ck_asset_not_decommissioned: asset %s is decommissioned', asset_id);
                        END IF;
                    END LOOP;
                    RETURN NEW;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ck_operator_claims_asset_operable BEFORE INSERT ON operator_claims
                    FOR EACH ROW EXECUTE FUNCTION ck_asset_not_decommissioned('AssetId');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ck_portfolio_members_asset_operable BEFORE INSERT ON portfolio_members
                    FOR EACH ROW EXECUTE FUNCTION ck_asset_not_decommissioned('AssetId', 'PortfolioId');
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER ck_contracts_portfolio_operable BEFORE INSERT ON contracts
                    FOR EACH ROW EXECUTE FUNCTION ck_asset_not_decommissioned('PortfolioId');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ck_operator_claims_asset_operable ON operator_claims;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ck_portfolio_members_asset_operable ON portfolio_members;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ck_contracts_portfolio_operable ON contracts;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS ck_asset_not_decommissioned();");
        }
    }
}
