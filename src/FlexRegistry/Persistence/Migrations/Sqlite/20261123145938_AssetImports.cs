using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
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
                    ImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RowNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Outcome = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    ExistingAssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    DuplicateCaseId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Errors = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_import_results", x => new { x.ImportId, x.RowNumber });
                });

            migrationBuilder.CreateTable(
                name: "asset_import_rows",
                columns: table => new
                {
                    ImportId = table.Column<Guid>(type: "TEXT", nullable: false),
                    RowNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: true),
                    Errors = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_import_rows", x => new { x.ImportId, x.RowNumber });
                });

            migrationBuilder.CreateTable(
                name: "asset_imports",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    FileHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Format = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RowsReceived = table.Column<int>(type: "INTEGER", nullable: false),
                    RowsProcessed = table.Column<int>(type: "INTEGER", nullable: false),
                    FuzzyCheckedThrough = table.Column<int>(type: "INTEGER", nullable: false),
                    Registered = table.Column<int>(type: "INTEGER", nullable: false),
                    Duplicates = table.Column<int>(type: "INTEGER", nullable: false),
                    Invalid = table.Column<int>(type: "INTEGER", nullable: false),
                    PossibleDuplicates = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Failure = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
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
