using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
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
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "AddressKey",
                table: "assets",
                type: "character varying(40)",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "GeoCell",
                table: "assets",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SerialKey",
                table: "assets",
                type: "character varying(8)",
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
