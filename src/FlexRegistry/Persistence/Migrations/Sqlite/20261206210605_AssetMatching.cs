using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AssetMatching : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "MatchWeight",
                table: "duplicate_cases",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressKey",
                table: "assets",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GeoCell",
                table: "assets",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SerialKey",
                table: "assets",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_assets_AddressKey",
                table: "assets",
                column: "AddressKey");

            migrationBuilder.CreateIndex(
                name: "IX_assets_GeoCell",
                table: "assets",
                column: "GeoCell");

            migrationBuilder.CreateIndex(
                name: "IX_assets_SerialKey",
                table: "assets",
                column: "SerialKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_AddressKey",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_GeoCell",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_SerialKey",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "MatchWeight",
                table: "duplicate_cases");

            migrationBuilder.DropColumn(
                name: "AddressKey",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "GeoCell",
                table: "assets");

            migrationBuilder.DropColumn(
                name: "SerialKey",
                table: "assets");
        }
    }
}
