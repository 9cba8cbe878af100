using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <summary>
    /// Statistics on <c>length("Parties")</c>, the condition of the partial index <c>ix_assets_shared_parties</c>
    /// (Asset.SharedParties). Without them the planner assumes a third of all assets have more than one party and plans
    /// the assets-by-area count's shared-parties part as a parallel scan whose workers cost 100–200 ms to start, where
    /// an index scan of the few survivors of merges takes under a millisecond (docs/benchmarks.md, pages). PostgreSQL
    /// only: EF Core does not model extended statistics, and SQLite plans no parallel scans.
    /// </summary>
    public partial class AssetPartiesLengthStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE STATISTICS st_assets_parties_length ON (length("Parties")) FROM assets;""");
            // Statistics exist only once the table is analysed (a sample: about a second whatever the size).
            migrationBuilder.Sql("ANALYZE assets;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP STATISTICS IF EXISTS st_assets_parties_length;");
        }
    }
}
