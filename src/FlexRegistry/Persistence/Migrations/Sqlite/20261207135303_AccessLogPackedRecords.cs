using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessLogPackedRecords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PackedRecords",
                table: "access_log_entries",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Existing records move into their entries, packed as AccessLogEntry.PackedRecords packs them, so that every
            // entry's digest (computed over its records, however stored) still verifies.
            migrationBuilder.Sql("""
                UPDATE access_log_entries SET "PackedRecords" = r.packed
                FROM (SELECT "EntryId", group_concat(line, '') AS packed
                      FROM (SELECT "EntryId", char(10) || "AssetId" || ' ' || "Groups" AS line FROM access_log_records ORDER BY "EntryId", "AssetId")
                      GROUP BY "EntryId") AS r
                WHERE access_log_entries."Id" = r."EntryId";
                """);

            migrationBuilder.DropTable(
                name: "access_log_records");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_log_records",
                columns: table => new
                {
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    EntryId = table.Column<long>(type: "INTEGER", nullable: false),
                    Groups = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_log_records", x => new { x.AssetId, x.EntryId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_access_log_records_EntryId",
                table: "access_log_records",
                column: "EntryId");

            migrationBuilder.Sql("""
                WITH RECURSIVE split(id, rest, line) AS (
                    SELECT "Id", "PackedRecords" || char(10), NULL FROM access_log_entries WHERE "PackedRecords" <> ''
                    UNION ALL
                    SELECT id, substr(rest, instr(substr(rest, 2), char(10)) + 1), substr(rest, 2, instr(substr(rest, 2), char(10)) - 1)
                    FROM split WHERE length(rest) > 1)
                INSERT INTO access_log_records ("AssetId", "EntryId", "Groups")
                SELECT substr(line, 1, instr(line, ' ') - 1), id, CAST(substr(line, instr(line, ' ') + 1) AS INTEGER) FROM split WHERE line IS NOT NULL;
                """);

            migrationBuilder.DropColumn(
                name: "PackedRecords",
                table: "access_log_entries");
        }
    }
}
