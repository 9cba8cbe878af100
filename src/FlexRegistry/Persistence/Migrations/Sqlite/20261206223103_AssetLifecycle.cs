using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssetLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "VersionNumber",
                table: "assets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "asset_changes",
                columns: table => new
                {
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    SourceName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ActorParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ChangesJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_changes", x => new { x.AssetId, x.Version });
                    table.ForeignKey(
                        name: "FK_asset_changes_assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "asset_parties",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    ParticipantId = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Initiative = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    RequestedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    From = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedBy = table.Column<string>(type: "TEXT", maxLength: 17, nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ConsentReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ConsentMethod = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ConsentDate = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    Version = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_asset_parties", x => x.Id);
                    table.ForeignKey(
                        name: "FK_asset_parties_assets_AssetId",
                        column: x => x.AssetId,
                        principalTable: "assets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_asset_parties_ParticipantId_Status",
                table: "asset_parties",
                columns: new[] { "ParticipantId", "Status" });

            migrationBuilder.CreateIndex(
                name: "ux_asset_parties_one_owner",
                table: "asset_parties",
                column: "AssetId",
                unique: true,
                filter: "\"Role\" = 'owner' AND \"Status\" = 'Active'");

            migrationBuilder.CreateIndex(
                name: "ux_asset_parties_open",
                table: "asset_parties",
                columns: new[] { "AssetId", "ParticipantId", "Role" },
                unique: true,
                filter: "\"Status\" IN ('Pending', 'Active')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "asset_changes");

            migrationBuilder.DropTable(
                name: "asset_parties");

            migrationBuilder.DropColumn(
                name: "VersionNumber",
                table: "assets");
        }
    }
}
