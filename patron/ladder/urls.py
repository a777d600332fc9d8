app_name = "ladder"
urlpatterns = []
