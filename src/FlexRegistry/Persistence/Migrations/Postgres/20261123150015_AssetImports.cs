using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AssetImports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "asset_import_results",
                columns: table => new
                {
                    ImportId = table.Column<Guid>(type: "uuid", nullable: false),
                    RowNumber = table.Column<int>(type: "integer", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    AssetId = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    ExistingAssetId = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    DuplicateCaseId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Errors = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_import_results", x => new { x.ImportId, x.RowNumber });
                });

            migrationBuilder.CreateTable(
                name: "asset_import_rows",
                columns: table => new
                {
                    ImportId = table.Column<Guid>(type: "uuid", nullable: false),
                    RowNumber = table.Column<int>(type: "integer", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: true),
                    Errors = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_import_rows", x => new { x.ImportId, x.RowNumber });
                });

            migrationBuilder.CreateTable(
                name: "asset_imports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    FileHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RowsReceived = table.Column<int>(type: "integer", nullable: false),
                    RowsProcessed = table.Column<int>(type: "integer", nullable: false),
                    FuzzyCheckedThrough = table.Column<int>(type: "integer", nullable: false),
                    Registered = table.Column<int>(type: "integer", nullable: false),
                    Duplicates = table.Column<int>(type: "integer", nullable: false),
                    Invalid = table.Column<int>(type: "integer", nullable: false),
                    PossibleDuplicates = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Failure = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_imports", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_asset_imports_ParticipantId_IdempotencyKey",
                table: "asset_imports",
                columns: new[] { "ParticipantId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_asset_imports_Status_CreatedAt",
                table: "asset_imports",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "asset_import_results");

            migrationBuilder.DropTable(
                name: "asset_import_rows");

            migrationBuilder.DropTable(
                name: "asset_imports");
        }
    }
}
