using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
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
                type: "text",
                nullable: false,
                defaultValue: "");

            // Existing records move into their entries, packed as AccessLogEntry.PackedRecords packs them, so that every
            // entry's digest (computed over its records, however stored) still verifies.
            migrationBuilder.Sql("""
                UPDATE access_log_entries AS e SET "PackedRecords" = r.packed
                FROM (SELECT "EntryId", string_agg(E'\n' || "AssetId" || ' ' || "Groups", '' ORDER BY "AssetId" COLLATE "C") AS packed
                      FROM access_log_records GROUP BY "EntryId") AS r
                WHERE e."Id" = r."EntryId";
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
                    AssetId = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    EntryId = table.Column<long>(type: "bigint", nullable: false),
                    Groups = table.Column<int>(type: "integer", nullable: false)
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
                INSERT INTO access_log_records ("AssetId", "EntryId", "Groups")
                SELECT split_part(line, ' ', 1), e."Id", split_part(line, ' ', 2)::integer
                FROM access_log_entries AS e, unnest(string_to_array(substr(e."PackedRecords", 2), E'\n')) AS line
                WHERE e."PackedRecords" <> '';
                """);

            migrationBuilder.DropColumn(
                name: "PackedRecords",
                table: "access_log_entries");
        }
    }
}
