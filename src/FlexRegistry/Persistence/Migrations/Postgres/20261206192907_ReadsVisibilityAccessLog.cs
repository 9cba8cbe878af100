using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReadsVisibilityAccessLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_data_sharing_grants_open",
                table: "data_sharing_grants");

            migrationBuilder.DropIndex(
                name: "IX_asset_access_windows_AssetId_ReaderId_WindowStart",
                table: "asset_access_windows");

            migrationBuilder.DropColumn(
                name: "AssetId",
                table: "asset_access_windows");

            migrationBuilder.RenameColumn(
                name: "Count",
                table: "asset_access_windows",
                newName: "Records");

            migrationBuilder.AddColumn<bool>(
                name: "NamedAssets",
                table: "data_sharing_grants",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "Scope",
                table: "data_sharing_grants",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                defaultValue: "all");

            migrationBuilder.AddColumn<string>(
                name: "ParticipantId",
                table: "asset_access_windows",
                type: "character varying(17)",
                maxLength: 17,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "Reads",
                table: "asset_access_windows",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "DefaultPurpose",
                table: "api_clients",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "access_log_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReaderId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    ReaderActor = table.Column<string>(type: "character varying(110)", maxLength: 110, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Action = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Resource = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FieldGroups = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Records = table.Column<int>(type: "integer", nullable: false),
                    Digest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_log_entries", x => x.Id);
                });

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

            migrationBuilder.CreateTable(
                name: "access_log_subjects",
                columns: table => new
                {
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    EntryId = table.Column<long>(type: "bigint", nullable: false),
                    Records = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_log_subjects", x => new { x.ParticipantId, x.EntryId });
                });

            migrationBuilder.CreateTable(
                name: "access_notification_assets",
                columns: table => new
                {
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    AssetId = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_notification_assets", x => new { x.ParticipantId, x.AssetId });
                });

            migrationBuilder.CreateTable(
                name: "access_notification_settings",
                columns: table => new
                {
                    ParticipantId = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false),
                    AllAssets = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(110)", maxLength: 110, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_notification_settings", x => x.ParticipantId);
                });

            migrationBuilder.CreateTable(
                name: "data_sharing_grant_assets",
                columns: table => new
                {
                    GrantId = table.Column<Guid>(type: "uuid", nullable: false),
                    AssetId = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_sharing_grant_assets", x => new { x.GrantId, x.AssetId });
                    table.ForeignKey(
                        name: "FK_data_sharing_grant_assets_data_sharing_grants_GrantId",
                        column: x => x.GrantId,
                        principalTable: "data_sharing_grants",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ux_data_sharing_grants_open",
                table: "data_sharing_grants",
                columns: new[] { "GrantorId", "Grantee", "Part", "Purpose", "Scope" },
                unique: true,
                filter: "\"EndedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_assets_Latitude_Longitude",
                table: "assets",
                columns: new[] { "Latitude", "Longitude" });

            migrationBuilder.CreateIndex(
                name: "IX_asset_access_windows_ParticipantId_ReaderId_WindowStart",
                table: "asset_access_windows",
                columns: new[] { "ParticipantId", "ReaderId", "WindowStart" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_access_log_entries_ReaderId_At",
                table: "access_log_entries",
                columns: new[] { "ReaderId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_access_log_records_EntryId",
                table: "access_log_records",
                column: "EntryId");

            migrationBuilder.CreateIndex(
                name: "IX_access_log_subjects_EntryId",
                table: "access_log_subjects",
                column: "EntryId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_log_entries");

            migrationBuilder.DropTable(
                name: "access_log_records");

            migrationBuilder.DropTable(
                name: "access_log_subjects");

            migrationBuilder.DropTable(
                name: "access_notification_assets");

            migrationBuilder.DropTable(
                name: "access_notification_settings");

            migrationBuilder.DropTable(
                name: "data_sharing_grant_assets");

            migrationBuilder.DropIndex(
                name: "ux_data_sharing_grants_open",
                table: "data_sharing_grants");

            migrationBuilder.DropIndex(
                name: "IX_assets_Latitude_Longitude",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_asset_access_windows_ParticipantId_ReaderId_WindowStart",
                table: "asset_access_windows");

            migrationBuilder.DropColumn(
                name: "NamedAssets",
                table: "data_sharing_grants");

            migrationBuilder.DropColumn(
                name: "Scope",
                table: "data_sharing_grants");

            migrationBuilder.DropColumn(
                name: "ParticipantId",
                table: "asset_access_windows");

            migrationBuilder.DropColumn(
                name: "Reads",
                table: "asset_access_windows");

            migrationBuilder.DropColumn(
                name: "DefaultPurpose",
                table: "api_clients");

            migrationBuilder.RenameColumn(
                name: "Records",
                table: "asset_access_windows",
                newName: "Count");

            migrationBuilder.AddColumn<string>(
                name: "AssetId",
                table: "asset_access_windows",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "ux_data_sharing_grants_open",
                table: "data_sharing_grants",
                columns: new[] { "GrantorId", "Grantee", "Part" },
                unique: true,
                filter: "\"EndedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_asset_access_windows_AssetId_ReaderId_WindowStart",
                table: "asset_access_windows",
                columns: new[] { "AssetId", "ReaderId", "WindowStart" },
                unique: true);
        }
    }
}
