# The package ships Swagger UI's built assets in dist/, beside its module;
# flask-api-utils reads only where it is installed (the module's __file__).
from .flask_swagger_ui import get_swaggerui_blueprint as get_swaggerui_blueprint
