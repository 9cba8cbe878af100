using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlexRegistry.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AssetAreaIdIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_assets_DnoDistributorId_Id",
                table: "assets",
                columns: new[] { "DnoDistributorId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_assets_DnoDistributorId_Id",
                table: "assets");
        }
    }
}
