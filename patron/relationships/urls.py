app_name = "relationships"
urlpatterns = []
