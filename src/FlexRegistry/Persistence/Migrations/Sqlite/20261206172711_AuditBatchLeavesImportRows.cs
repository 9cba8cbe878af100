using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditBatchLeavesImportRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ResourceIds",
                table: "audit_records",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ImportId",
                table: "assets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ImportRow",
                table: "assets",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_assets_ImportId_ImportRow",
                table: "assets",
                columns: new[] { "ImportId", "ImportRow" },
                filter: "\"ImportId\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_ImportId_ImportRow",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "ResourceIds",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "ImportId",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "ImportRow",
                table: "assets");
        }
    }
}
