using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SearchPageIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_GspGroup_Type",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_PostcodeDistrict",
                table: "assets");

            migrationBuilder.CreateIndex(
                name: "IX_assets_DnoDistributorId_Type_Id",
                table: "assets",
                columns: new[] { "DnoDistributorId", "Type", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_GspGroup_Type_Id",
                table: "assets",
                columns: new[] { "GspGroup", "Type", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_PostcodeDistrict_Id",
                table: "assets",
                columns: new[] { "PostcodeDistrict", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_DnoDistributorId_Type_Id",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_GspGroup_Type_Id",
                table: "assets");

            migrationBuilder.DropIndex(
                name: "IX_assets_PostcodeDistrict_Id",
                table: "assets");

            migrationBuilder.CreateIndex(
                name: "IX_assets_GspGroup_Type",
                table: "assets",
                columns: new[] { "GspGroup", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_assets_PostcodeDistrict",
                table: "assets",
                column: "PostcodeDistrict");
        }
    }
}
